"""Failure proof: chaostoolkit experiments with archproof's actions and probes, measuring
recovery time (RTO) and lost acknowledged writes (RPO) under background traffic.

Extension functions take ``configuration`` (chaostoolkit passes it): ``lab_dir`` (the lab's
state folder) and ``records_dir`` (where traffic, writes and faults are recorded as JSON
lines for the proof checks in ``chaos/``).
"""
