"""An S3-compatible object store for the tests: moto's server mode, as its own HTTP process.

The portal talks to it through django-storages and boto3 exactly as to a real bucket
(signed requests over HTTP on loopback); nothing in the portal is patched. Each pytest
process (each xdist worker) starts its own server once, on a free loopback port, the
first time a test asks for it (`s3_server` in tests/conftest.py); each test gets a
fresh bucket (`s3_media`).

What moto enforces, checked against this version: an unsigned GET of an object is
refused (403) unless the object's ACL grants public read, and then it is served. It
does not check signatures or bucket policies, and lets anyone list a bucket, so the
tests assert only what it really enforces, plus the objects' ACLs as stored.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

import boto3

from tests.topology.rig import free_port

ACCESS_KEY = "krk-test-access-key"
SECRET_KEY = "krk-test-secret-key"
REGION = "us-east-1"
PUBLIC_GRANTEES = {
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}


def media_names() -> list[str]:
    """Every file in the media storage configured now: MEDIA_ROOT, or the test's bucket."""
    from django.core.files.storage import default_storage

    from krangkeng_portal.backup import storage_files

    return sorted(storage_files(default_storage))


class MotoServer:
    """`python -m moto.server` on 127.0.0.1 in a process of its own."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    @classmethod
    def running(cls, *, attempts: int = 3) -> MotoServer:
        """A started server; another port if something took the free one before moto bound it."""
        for attempt in range(1, attempts + 1):
            try:
                return cls().start()
            except RuntimeError:
                if attempt == attempts:
                    raise
        raise AssertionError("unreachable")

    def start(self, *, timeout: float = 60) -> MotoServer:
        command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]
        # Its own credentials and region only: a developer's AWS_* variables must not leak in.
        env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto server exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1):  # noqa: S310 (loopback)
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"moto server did not answer on {self.url} within {timeout} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def client(self) -> Any:
        """A boto3 client of its own, to look at the bucket from outside the portal."""
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )


@dataclass
class Bucket:
    """One test's bucket on the moto server."""

    server: MotoServer
    name: str
    client: Any

    @classmethod
    def create(cls, server: MotoServer) -> Bucket:
        client = server.client()
        name = f"krk-test-{uuid.uuid4().hex[:16]}"
        client.create_bucket(Bucket=name)
        return cls(server=server, name=name, client=client)

    def environment(self) -> dict[str, str]:
        """The KRK_S3_* variables that point a portal process (a job worker) at this bucket."""
        return {
            "KRK_S3_BUCKET": self.name,
            "KRK_S3_ENDPOINT_URL": self.server.url,
            "KRK_S3_REGION": REGION,
            "KRK_S3_ACCESS_KEY_ID": ACCESS_KEY,
            "KRK_S3_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def storage_settings(self, **options: Any) -> dict[str, Any]:
        """The STORAGES["default"] entry settings.py builds for this bucket."""
        from krangkeng_portal.storage import media_storage

        return media_storage(
            bucket=self.name,
            endpoint_url=self.server.url,
            region=REGION,
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
            **options,
        )

    def object_keys(self) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))

    def read(self, key: str) -> bytes:
        return bytes(self.client.get_object(Bucket=self.name, Key=key)["Body"].read())

    def public_grants(self, key: str) -> list[dict[str, Any]]:
        grants = self.client.get_object_acl(Bucket=self.name, Key=key)["Grants"]
        return [grant for grant in grants if grant["Grantee"].get("URI") in PUBLIC_GRANTEES]

    def unsigned_get(self, key: str) -> int:
        """The status of a GET without credentials, as anyone who learnt the key would send it."""
        try:
            with urllib.request.urlopen(f"{self.server.url}/{self.name}/{key}", timeout=5) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)
