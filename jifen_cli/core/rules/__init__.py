"""The rules language (docs/RULES.md): compile raw rules data into a Scheme."""

from .compiler import compile_rules
from .model import Scheme

__all__ = ["compile_rules", "Scheme"]
