"""Builders the reference estates share: the same logic, parametrized by what differs."""
