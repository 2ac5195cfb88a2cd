def test_people_list_is_scoped_for_a_rep(cast, client_as):
    response = client_as(cast.rep_a).get("/accounts/people/")
    assert response.status_code == 200
    assert list(response.context["people"]) == [cast.rep_a]
