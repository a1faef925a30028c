"""Running by itself: the installed schedule (systemd user timer or crontab) and the health check."""
