"""The public decision-aid pages, one router per area (no login; nothing is stored)."""

from fastapi import APIRouter

from regenspine.web.pages import check, clinic, faq, journey, learn, options, recovery, values

PUBLIC_PAGES: tuple[APIRouter, ...] = (
    learn.router,
    check.router,
    options.router,
    clinic.router,
    recovery.router,
    values.router,
    faq.router,
    journey.router,
)
