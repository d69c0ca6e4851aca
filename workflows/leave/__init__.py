"""请销假: leave requests, their approval process, report-back and absence records."""
