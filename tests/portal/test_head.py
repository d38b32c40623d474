"""Every page answers HEAD as it answers GET (uptime monitors and link checkers use HEAD).

The pages come from the role x URL matrix (ROUTES), so a page added there is
checked here too.
"""

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.portal import test_access_matrix
from tests.portal.test_access_matrix import PERSONAS, ROUTES

world = test_access_matrix.world  # the matrix's fixture, shared


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(ROUTES))
def test_head_gets_the_status_get_gets(url_name, world):
    url = reverse(url_name, kwargs=ROUTES[url_name].kwargs(world))
    for persona in PERSONAS:
        client = client_for(world.get(persona))
        assert client.head(url).status_code == client.get(url).status_code, persona
