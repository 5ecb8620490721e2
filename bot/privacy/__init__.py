"""What the privacy promises need beyond the domain: the notice pages and dp mode's noise."""
