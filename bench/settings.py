"""Settings for the benchmark server: the production settings, plus the floor URLs.

Everything is read from the real settings module (so the benchmark measures the
middleware, templates, sessions and security headers production runs); only the
URLconf changes, to `bench.urls`, which adds the floor views. The floor views
live here and not in krangkeng_portal.urls so that no deployment ever exposes an
unauthenticated "run a query" endpoint, and the access-matrix test never has to
know about them.
"""

from krangkeng_portal import settings as _production

globals().update({name: value for name, value in vars(_production).items() if name.isupper()})

ROOT_URLCONF = "bench.urls"
