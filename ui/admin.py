"""Who may change data from the explorer: the holder of an admin token.

Why: the Data page's review decisions (and any later identity or institution decision)
change the next build, and anyone who reaches the server's port could press them. The
token comes from Streamlit secrets (`admin_token`) or the ATLAS_ADMIN_TOKEN environment
variable, never from code. Without a token configured, data-changing actions are hidden
(the data stays readable); with one, a visitor unlocks them by typing it once per session.
"""

from __future__ import annotations

import hmac

import streamlit as st

from graph import config

ENV_VAR = "ATLAS_ADMIN_TOKEN"
SECRET = "admin_token"
_UNLOCKED = "__admin_unlocked"


def configured_token() -> str | None:
    secret = config.settings().admin_token  # ATLAS_ADMIN_TOKEN, from the environment or .env
    token = secret.get_secret_value().strip() if secret else ""
    if token:
        return token
    try:
        value = st.secrets.get(SECRET)
    except Exception:  # noqa: BLE001 - no secrets file is the normal case, not an error
        return None
    return str(value).strip() or None if value else None


def is_admin() -> bool:
    token = configured_token()
    return bool(token) and st.session_state.get(_UNLOCKED) == token


def gate(what: str, key: str) -> bool:
    """True when data-changing actions may be shown; otherwise explains why not (and offers the unlock)."""
    token = configured_token()
    if token is None:
        st.caption(f"{what} are hidden: no admin token is configured. Set {ENV_VAR} (or `{SECRET}` in "
                   "Streamlit secrets) and restart to enable them.")
        return False
    if is_admin():
        return True
    entered = st.text_input(f"Admin token to enable {what.lower()}", type="password", key=f"admin-token-{key}")
    if st.button("Unlock", icon=":material/lock_open:", key=f"admin-unlock-{key}"):
        if hmac.compare_digest(entered.strip().encode(), token.encode()):
            st.session_state[_UNLOCKED] = token
            st.rerun()
        st.warning("That is not the admin token.", icon=":material/lock:")
    return False
