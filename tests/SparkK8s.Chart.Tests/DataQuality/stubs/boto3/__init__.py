"""Stand-in of boto3: client("s3").put_object records each object in PUTS."""

PUTS = []


class _S3:
    def __init__(self, endpoint_url):
        self.endpoint_url = endpoint_url

    def put_object(self, Bucket, Key, Body, ContentType):
        PUTS.append({"bucket": Bucket, "key": Key, "body": Body, "contentType": ContentType, "endpoint": self.endpoint_url})


def client(service, endpoint_url=None):
    assert service == "s3"
    return _S3(endpoint_url)
