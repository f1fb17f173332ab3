def test_login_and_me(api, build):
    user = build.user("engineer")
    r = api.login(user.email)
    assert r.status_code == 200, r.get_json()
    me = api.get("/api/me").get_json()
    assert me["role"] == "engineer"


def test_stores_list(login, build):
    admin = build.user("admin")
    build.store(name="Alpha")
    client = login(admin)
    r = client.get("/api/stores")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["total"] == 1 and body["items"][0]["name"] == "Alpha"
    assert body["items"][0]["posted_hours"][0] == {
        "weekday": 0,
        "opens": "09:00",
        "closes": "20:00",
    }
