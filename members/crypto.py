"""Encryption at rest and the keyed hash of ID numbers.

The ciphertext (Fernet: AES-128-CBC with HMAC-SHA256) is what the database keeps;
the keyed hash (HMAC-SHA256 with a separate key) gives uniqueness and exact lookup
without decrypting anything. Keys come from settings (MEMBER_ID_KEY,
MEMBER_ID_HASH_KEY), which read the environment.
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.views.decorators.debug import sensitive_variables


@lru_cache(maxsize=4)
def _fernet(keys: str) -> MultiFernet:
    return MultiFernet([Fernet(key.strip().encode()) for key in keys.split(",") if key.strip()])


@sensitive_variables()
def encrypt(plaintext: str) -> str:
    return _fernet(settings.MEMBER_ID_KEY).encrypt(plaintext.encode()).decode("ascii")


@sensitive_variables()
def decrypt(token: str) -> str:
    try:
        return _fernet(settings.MEMBER_ID_KEY).decrypt(token.encode("ascii")).decode()
    except InvalidToken as exc:
        # Never include the token or anything derived from it in the message.
        raise ValueError("The ID number cannot be decrypted with the configured MEMBER_ID_KEY.") from exc


def rotate(token: str) -> str:
    """Re-encrypt ``token`` with the first (current) key."""
    return _fernet(settings.MEMBER_ID_KEY).rotate(token.encode("ascii")).decode("ascii")


@sensitive_variables()
def keyed_hash(normalised_number: str) -> str:
    key = settings.MEMBER_ID_HASH_KEY.encode()
    return hmac.new(key, normalised_number.encode(), hashlib.sha256).hexdigest()


def encrypt_bytes(data: bytes) -> bytes:
    """For uploaded rosters waiting for confirmation: they hold full ID numbers too."""
    return _fernet(settings.MEMBER_ID_KEY).encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _fernet(settings.MEMBER_ID_KEY).decrypt(token)
    except InvalidToken as exc:
        raise ValueError("The stored file cannot be decrypted with the configured MEMBER_ID_KEY.") from exc
