"""Composition root: the one place that builds real adapters from settings.

Entry points call ``build_*`` here and hand the result to a service; tests build services
with fakes instead. No module-level clients or settings.
"""

from __future__ import annotations
