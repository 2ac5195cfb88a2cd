"""A refused page says why, in the product's frame, not Django's bare "403 Forbidden"."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_a_forbidden_page_says_why_in_the_products_frame(cast, client_as):
    response = client_as(cast.rep_a).get(reverse("dashboards:company"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Only HR and admins see the company overview." in page
    assert 'class="mainnav"' in page
