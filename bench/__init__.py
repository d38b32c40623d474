"""Load and data-size benchmarks (`make bench`); never run by the test suite."""
