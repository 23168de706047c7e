"""Request plumbing shared by every blueprint.

Errors, security headers, uploads, health, and the form field kinds every form uses.
"""
