"""An e-mail backend for the crash test: it writes each message to a file in EMAIL_FILE_PATH,
and when asked to send message number KILL_AT it kills its own process with SIGKILL, as
the kernel's OOM killer or a host going away would, with no chance to clean up."""

import os
import signal
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileBasedBackend


class EmailBackend(FileBasedBackend):
    def send_messages(self, email_messages):
        # The file backend ends each message with a line of 79 dashes.
        written = sum(path.read_bytes().count(b"-" * 79) for path in Path(self.file_path).glob("*.log"))
        if written + 1 >= int(os.environ["KILL_AT"]):
            os.kill(os.getpid(), signal.SIGKILL)
        return super().send_messages(email_messages)
