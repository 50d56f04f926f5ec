"""gunicorn's logger with the links withheld (riskreg/log_redaction.py); gunicorn.conf.py names it."""

from gunicorn.glogging import Logger

from riskreg.log_redaction import WithholdSecrets


class WithholdingLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            log.addFilter(WithholdSecrets())
