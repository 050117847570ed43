from flask.testing import FlaskClient


def test_healthz_reports_ok_with_redis(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
