"""`rehearse demo`: a simulated organisation practising for six weeks, then its manager digest."""
