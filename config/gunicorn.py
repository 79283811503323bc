"""gunicorn settings used by the Procfile.

Each web worker loads jieba's dictionary and the active model in the background right after it starts
(several seconds), so an operator's first live suggestion doesn't wait for it.
"""

import threading


def post_worker_init(worker):
    def warm_up():
        try:
            from classifier.services import classify

            classify("小区门口路灯不亮，请尽快维修")
        except Exception:  # no active model yet: the first request that needs one says so
            worker.log.info("classifier warm-up skipped", exc_info=True)

    threading.Thread(target=warm_up, name="classifier-warm-up", daemon=True).start()
