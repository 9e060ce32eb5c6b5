def jurisdiction(request):
    """The jurisdiction of the host (None on the public host) and the agent's membership there."""
    tenant = getattr(request, "tenant", None)
    if tenant is not None and tenant.is_public:
        tenant = None
    return {"jurisdiction": tenant, "membership": getattr(request, "membership", None)}
