"""zaiko-xl: keep a Rakuten Ichiba shop's stock right from inside Excel."""

__version__ = "0.1.0"
