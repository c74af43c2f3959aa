"""Load proof: real traffic from locust (as a subprocess), capacity observed on the same clock."""
