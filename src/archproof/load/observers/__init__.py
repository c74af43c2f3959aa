"""Scaling observers: what capacity the target had, sampled while locust drives it."""
