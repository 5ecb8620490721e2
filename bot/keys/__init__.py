"""Secrets and ciphers: secrets read from files, the generated pulse secret, sealed tokens."""
