"""The live Azure source: subscriptions read through the Azure SDK into an Inventory."""

from archproof.sources.azure.collect import AzureOptions, collect_azure

__all__ = ["AzureOptions", "collect_azure"]
