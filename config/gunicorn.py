"""gunicorn settings used by the Procfile and the systemd unit.

Each web worker loads jieba's dictionary and the active model in the background right after it starts
(several seconds), so an operator's first live suggestion doesn't wait for it.
"""

import threading

from gunicorn.glogging import Logger

from config.logmask import mask, mask_url


class MaskingLogger(Logger):
    """gunicorn's logger with personal data masked in the access log: the request line, path, query
    string and referer are decoded and masked (a phone or ID number typed into a search must not reach
    the log), as are the error log's messages."""

    URL_ATOMS = ("r", "U", "q", "f")

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in self.URL_ATOMS:
            if isinstance(atoms.get(key), str):
                atoms[key] = mask_url(atoms[key])
        return atoms

    def error(self, msg, *args, **kwargs):
        super().error(mask(str(msg)), *args, **kwargs)

    def warning(self, msg, *args, **kwargs):
        super().warning(mask(str(msg)), *args, **kwargs)


logger_class = MaskingLogger


def post_worker_init(worker):
    def warm_up():
        try:
            from classifier.services import classify

            classify("小区门口路灯不亮，请尽快维修")
        except Exception:  # no active model yet: the first request that needs one says so
            worker.log.info("classifier warm-up skipped", exc_info=True)
        try:
            from classifier.items import item_model

            item_model()  # the intake's routing preview asks routing's second reader (about 4 s to train)
        except Exception:  # no catalogue yet: the first preview trains it
            worker.log.info("item model warm-up skipped", exc_info=True)

    threading.Thread(target=warm_up, name="classifier-warm-up", daemon=True).start()
