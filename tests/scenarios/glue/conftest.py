"""Shared fixtures for Glue scenarios: a client that shows every error as the server
sent it (no retries), and databases with unique names that are deleted afterwards."""
import pytest


@pytest.fixture
def glue(client):
    return client("glue")


@pytest.fixture
def s3(client):
    return client("s3")


@pytest.fixture
def database(fresh_database):
    return fresh_database("db")


@pytest.fixture
def bucket(fresh_bucket):
    return fresh_bucket("lake")
