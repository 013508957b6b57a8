class Param:
    def __init__(self, default=None, description=None, **schema):
        self.value = default
        self.description = description
        self.schema = schema
