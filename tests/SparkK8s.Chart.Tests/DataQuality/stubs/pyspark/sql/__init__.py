"""Stand-in of pyspark.sql: SparkSession.builder.remote(url).getOrCreate() and session.table(name)."""

SESSIONS = []


class _Frame:
    def __init__(self, table):
        self.table = table


class _Session:
    def __init__(self, remote):
        self.remote = remote
        self.tables = []
        self.stopped = False

    def table(self, name):
        self.tables.append(name)
        return _Frame(name)

    def stop(self):
        self.stopped = True


class _Builder:
    def __init__(self):
        self._remote = None

    def remote(self, url):
        self._remote = url
        return self

    def getOrCreate(self):
        session = _Session(self._remote)
        SESSIONS.append(session)
        return session


class SparkSession:
    builder = _Builder()
