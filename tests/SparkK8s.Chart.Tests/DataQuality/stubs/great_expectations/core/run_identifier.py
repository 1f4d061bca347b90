"""Stand-in of great_expectations.core.run_identifier."""


class RunIdentifier:
    def __init__(self, run_name=None, run_time=None):
        self.run_name = run_name
        self.run_time = run_time
