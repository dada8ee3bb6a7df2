"""Benchmarks of the project's commands on large simulated landing zones.

Each benchmark runs the real commands in child processes and prints the wall time and peak
memory it measured; nothing is estimated.
"""
