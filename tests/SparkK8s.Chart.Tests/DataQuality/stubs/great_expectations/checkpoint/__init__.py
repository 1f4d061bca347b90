"""Stand-in of great_expectations.checkpoint: Checkpoint.run and UpdateDataDocsAction."""
import great_expectations


class UpdateDataDocsAction:
    def __init__(self, name, site_names):
        self.name = name
        self.site_names = site_names


class _Result:
    def __init__(self, described):
        self._described = described

    def describe_dict(self):
        return self._described


class Checkpoint:
    def __init__(self, name, validation_definitions, actions, result_format):
        self.name = name
        self.validation_definitions = validation_definitions
        self.actions = actions
        self.result_format = result_format
        self.runs = []

    def run(self, batch_parameters, run_id):
        self.runs.append({"batch_parameters": batch_parameters, "run_id": run_id})
        validations = []
        for definition in self.validation_definitions:
            expectations = [
                {
                    "expectation_type": e["type"],
                    "success": e.get("kwargs", {}).get("column") not in great_expectations.FAILING_COLUMNS,
                    "kwargs": e.get("kwargs", {}),
                    "result": {},
                }
                for e in definition.suite.expectations
            ]
            validations.append({"success": all(e["success"] for e in expectations), "statistics": {}, "expectations": expectations, "result_url": None})
        return _Result({"success": all(v["success"] for v in validations), "statistics": {}, "validation_results": validations})
