"""The scenarios bundled with portal-mock, installed as ``portal_mock.scenarios``."""
