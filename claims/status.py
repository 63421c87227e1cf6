"""The provenance engine: derives each claim's support status. (Issue 3.)"""
