"""Local, read-only stand-ins for control planes archproof reads (demo and tests); loopback only."""
