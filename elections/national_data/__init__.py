"""Generated national-size data for benchmarks (issue 11): ``generate_national``."""
