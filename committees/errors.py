"""The one base class for a refused action in any app's services."""


class ServiceError(Exception):
    """A workflow refused an action; ``messages`` say why, in words meant for the user.

    Raised by the services of every app (indicators' workflows, reports' documents and
    meetings, unit changes), so a view or a command catches one type and shows
    ``messages`` (``message`` is them as one line). Permission is not a ServiceError: a
    service refuses a user outside its scope with Django's ``PermissionDenied``, as views do.
    """

    def __init__(self, messages):
        self.messages = [str(messages)] if isinstance(messages, str) else [str(each) for each in messages]
        self.message = " ".join(self.messages)
        super().__init__(self.message)
