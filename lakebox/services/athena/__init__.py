"""Athena: Trino SQL over the lake, run by lakebox's SQL engine on the objects in place."""
