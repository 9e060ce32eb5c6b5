from django.http import JsonResponse
from django.shortcuts import render


def _api_error(request, status: int, code: str, message: str):
    """Under /api/, an error outside the API's views (an address no route matches, a crash) is
    answered in the API's error format (tenants/api/errors.py), never an HTML page."""
    if not request.path.startswith("/api/"):
        return None
    return JsonResponse(
        {"error": {"status": status, "code": code, "message": message}}, status=status
    )


def forbidden(request, exception=None):
    api = _api_error(request, 403, "permission_denied", "Accès refusé.")
    return api or render(request, "errors/403.html", status=403)


def not_found(request, exception=None):
    api = _api_error(request, 404, "not_found", "Ressource introuvable.")
    return api or render(request, "errors/404.html", status=404)


def server_error(request):
    api = _api_error(request, 500, "server_error", "Erreur du serveur : réessayez plus tard.")
    # No context processors that touch the database: the error may be the database itself.
    return api or render(request, "errors/500.html", status=500)
