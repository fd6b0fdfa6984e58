"""Developer scripts of crypto_lstm. Tests import them as ``scripts.*``."""
