"""An e-mail backend for the crash tests: it writes each message to a file in EMAIL_FILE_PATH,
and when asked to send message number KILL_AT it kills its own process with SIGKILL, as
the kernel's OOM killer or a host going away would, with no chance to clean up.

KILL_WHEN=before (the default) dies before that message is written, as when the process is
killed while connecting; KILL_WHEN=after dies right after it is written, as when the SMTP
server has accepted a message and the process dies before recording it as sent."""

import os
import signal
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileBasedBackend


class EmailBackend(FileBasedBackend):
    def send_messages(self, email_messages):
        # The file backend ends each message with a line of 79 dashes.
        written = sum(path.read_bytes().count(b"-" * 79) for path in Path(self.file_path).glob("*.log"))
        dies_now = written + 1 >= int(os.environ["KILL_AT"])
        if dies_now and os.environ.get("KILL_WHEN", "before") == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        sent = super().send_messages(email_messages)
        if dies_now:
            os.kill(os.getpid(), signal.SIGKILL)
        return sent
