from saas_platform.sentry import FILTERED, before_send


def test_personal_data_is_scrubbed_from_events():
    event = {
        "user": {"email": "jean.dupont@exemple.test", "id": 3},
        "message": "Échec pour jean.dupont@exemple.test, tél. 06 12 34 56 78, né le 12/05/1980",
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": "numéro +33612345678 refusé",
                    "stacktrace": {
                        "frames": [
                            {
                                "filename": "jurisdiction_apps/people/services.py",
                                "function": "create_person",
                                "vars": {
                                    "last_name": "DUPONT",
                                    "first_names": "Jean",
                                    "birth_date": "1980-05-12",
                                    "phone": "+33612345678",
                                    "count": 3,
                                },
                            }
                        ]
                    },
                }
            ]
        },
        "request": {"headers": {"Cookie": "sessionid=abc"}, "url": "http://alpha.localhost/x/"},
        "tags": {"jurisdiction": "j_alpha"},
    }
    scrubbed = before_send(event)
    text = repr(scrubbed)
    for secret in ("jean.dupont", "DUPONT", "Jean", "1980", "612345678", "06 12", "sessionid"):
        assert secret not in text, secret
    frame = scrubbed["exception"]["values"][0]["stacktrace"]["frames"][0]
    assert frame["filename"] == "jurisdiction_apps/people/services.py"
    assert frame["vars"]["count"] == 3
    assert frame["vars"]["phone"] == FILTERED
    assert "user" not in scrubbed
    assert scrubbed["tags"] == {"jurisdiction": "j_alpha"}
