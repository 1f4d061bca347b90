"""Stand-in of great_expectations 1.x: an ephemeral context, suites, validation definitions and checkpoints.

FAILING_COLUMNS: expectations on these columns fail. UNBUILDABLE_TYPES: expectation types the suite drops (Great
Expectations logs and drops a configuration it cannot build). DOCS_SITES records add_data_docs_site calls.
"""
from great_expectations.checkpoint import Checkpoint  # noqa: F401

FAILING_COLUMNS = set()
UNBUILDABLE_TYPES = set()
DOCS_SITES = []
CONTEXTS = []


class ExpectationSuite:
    def __init__(self, name, expectations=None, meta=None):
        self.name = name
        self.meta = meta or {}
        self.expectations = [dict(e) for e in expectations or [] if e["type"] not in UNBUILDABLE_TYPES]


class ValidationDefinition:
    def __init__(self, name, data, suite):
        self.name = name
        self.data = data
        self.suite = suite


class _Batch:
    def __init__(self, source, asset, name):
        self.source, self.asset, self.name = source, asset, name


class _Asset:
    def __init__(self, source, name):
        self.source, self.name = source, name

    def add_batch_definition_whole_dataframe(self, name):
        return _Batch(self.source, self.name, name)


class _Source:
    def __init__(self, name):
        self.name = name

    def add_dataframe_asset(self, name):
        return _Asset(self.name, name)


class _Registry:
    def __init__(self):
        self.items = []

    def add(self, item):
        self.items.append(item)
        return item


class _Sources:
    def __init__(self):
        self.names = []

    def add_spark(self, name):
        self.names.append(name)
        return _Source(name)


class _Context:
    def __init__(self, mode):
        self.mode = mode
        self.data_sources = _Sources()
        self.suites = _Registry()
        self.validation_definitions = _Registry()
        self.checkpoints = _Registry()

    def add_data_docs_site(self, site_name, site_config):
        DOCS_SITES.append({"site_name": site_name, "site_config": site_config})


def get_context(mode=None):
    context = _Context(mode)
    CONTEXTS.append(context)
    return context
