"""Saved screenings: the store (SQLite or PostgreSQL), encryption at rest, audit and retention."""

from .cipher import Cipher, CipherError
from .rule_changes import RuleChange, RuleChanges
from .store import DECISIONS, Filters, Page, QueueRow, Saved, Stats, Store, StoreError, default_url

__all__ = ["DECISIONS", "Cipher", "CipherError", "Filters", "Page", "QueueRow", "RuleChange", "RuleChanges",
           "Saved", "Stats", "Store", "StoreError", "default_url"]
