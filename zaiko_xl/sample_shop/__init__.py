"""The deterministic sample shop behind the demo, the tests and the benchmarks.

Outside the layered core (like the sandbox): it may use randomness and write files, and it
imports only ``zaiko_xl.domain`` and ``zaiko_xl.errors`` from the product.

    from zaiko_xl.sample_shop import generate, write_files
    shop = generate(skus=500, seed=1)
    paths = write_files(shop, folder)
"""

from zaiko_xl.sample_shop.files import write_files
from zaiko_xl.sample_shop.shop import DEFAULT_AS_OF, SampleShop, generate

__all__ = ["DEFAULT_AS_OF", "SampleShop", "generate", "write_files"]
