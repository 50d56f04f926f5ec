# Read by gunicorn from the directory it starts in (the image's /app), whatever command line starts it.
# The access log names request paths, and a signer's path holds their link's token: log it withheld.
logger_class = "riskreg.gunicorn_logging.WithholdingLogger"
