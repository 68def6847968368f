"""The application commands: /practice, /progress, /snooze and (for enablement) /cadence.

Each handler acknowledges Discord within its 3 seconds (ephemeral, so only the
person who typed sees the answer), runs the core use case in a worker thread,
and answers with what the core said — including its friendly refusals.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from adapters.discord import parse
from adapters.discord.chat import ORIGIN, Origin
from adapters.discord.render import card_embed, discord_markdown
from bot.messages import PersonRef
from bot.ports import PlatformError
from bot.practice.engine import PracticeOnHold
from bot.practice.self_service import SelfServiceError
from bot.scheduling.cadence_chat import PickTeam
from bot.scheduling.cadences import CadenceError, NotAllowed, UnknownTeam
from scenarios.loader import UnknownScenario

if TYPE_CHECKING:
    from bot.app import Core

log = logging.getLogger(__name__)
CHOICES_MAX = 25
THREAD_PERMISSIONS = discord.Permissions(create_private_threads=True, send_messages_in_threads=True)


class CommandHandlers:
    """What each command does on Discord; the decisions are the core's."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.reps = core.self_service

    # ---- /practice ----------------------------------------------------------

    async def practice(self, interaction: discord.Interaction, scenario: str | None) -> None:
        if not await _defer(interaction):
            return
        who = await self._who(interaction)
        origin = Origin(channel_id=interaction.channel_id or 0, guild_id=interaction.guild_id,
                        can_open_threads=interaction.app_permissions >= THREAD_PERMISSIONS)
        token = ORIGIN.set(origin)
        try:
            started = await asyncio.to_thread(self.core.practice_service.start, who, (scenario or "").strip() or None)
        except UnknownScenario as exc:
            await _say(interaction, f"I don't know a scenario called `{exc.scenario_id}`. Start typing after "
                                    "`/practice` and pick one from the list, or leave it empty for your next one.")
            return
        except PracticeOnHold as exc:
            await _say(interaction, exc.user_message)
            return
        except PlatformError as exc:
            reason = origin.fallback_reason or ""
            await _say(interaction, f"{reason} I couldn't start your practice: {exc} Nothing was saved — "
                                    "try `/practice` again in a channel where I can open threads.".strip())
            return
        finally:
            ORIGIN.reset(token)
        if origin.guild_id is None:
            text = f"**{started.scenario.title}** is below. Answer the buyer right here in our DM."
        elif origin.fallback_reason:
            text = (f"{origin.fallback_reason} So I started **{started.scenario.title}** in our DMs instead — "
                    "answer the buyer there.")
        else:
            text = f"Your practice thread is ready: <#{started.ref.thread}>. It's private: only you and I are in it."
        await _say(interaction, text)

    def scenario_choices(self, current: str) -> list[app_commands.Choice[str]]:
        """Scenario ids for autocomplete: those whose id or title contains what was typed."""
        typed = current.strip().lower()
        matches = [s for s in sorted(self.core.library.all(kind="practice"), key=lambda s: s.id)
                   if typed in s.id or typed in s.title.lower()]
        return [app_commands.Choice(name=f"{s.title} ({s.id})"[:100], value=s.id) for s in matches[:CHOICES_MAX]]

    # ---- /progress, /snooze ----------------------------------------------------

    async def progress(self, interaction: discord.Interaction) -> None:
        if not await _defer(interaction):
            return
        who = await self._who(interaction)
        card = await asyncio.to_thread(self.reps.progress, who)
        await _say(interaction, embed=card_embed(card))

    async def snooze(self, interaction: discord.Interaction, until: str | None) -> None:
        if not await _defer(interaction):
            return
        day: date | None = None
        if until and until.strip():
            try:
                day = date.fromisoformat(until.strip())
            except ValueError:
                await _say(interaction, f"`{until}` isn't a date I can read. Write it as YYYY-MM-DD, e.g. "
                                        "`/snooze until:2026-12-24`.")
                return
        who = await self._who(interaction)
        try:
            text = await asyncio.to_thread(self.reps.snooze, who, day)
        except SelfServiceError as exc:
            await _say(interaction, exc.user_message)
            return
        await _say(interaction, discord_markdown(text.text))

    # ---- /cadence ----------------------------------------------------------

    async def cadence(self, interaction: discord.Interaction, team: str, changes: dict[str, Any]) -> None:
        if not await _defer(interaction):
            return
        who = await self._who(interaction)
        try:
            text = await asyncio.to_thread(self._cadence, who, team, changes)
        except (CadenceError, NotAllowed, UnknownTeam, PickTeam) as exc:
            await _say(interaction, exc.user_message)
            return
        await _say(interaction, text)

    def _cadence(self, who: PersonRef, team_name: str, changes: dict[str, Any]) -> str:
        saved = self.core.cadence_chat.change(who, changes, team_name=team_name)
        if not saved.changed:
            return f"**{saved.team_name}** practises {saved.spec.describe()}."
        return f"Cadence for **{saved.team_name}** saved: {saved.spec.describe()}."

    # ---- shared --------------------------------------------------------------

    async def _who(self, interaction: discord.Interaction) -> PersonRef:
        """The invoker; outside a guild, as the workspace identity they practise under."""
        who = parse.invoker(interaction)
        if interaction.guild_id is None:
            who = await asyncio.to_thread(self.reps.home, who)
        return who


def register(tree: app_commands.CommandTree, handlers: CommandHandlers) -> None:
    """Put the commands on the tree (synced to Discord on start)."""

    @tree.command(name="practice", description="Practise a sales or service conversation in a private thread")
    @app_commands.describe(scenario="Which scenario; leave empty for the next one in your rotation")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.allowed_installs(guilds=True, users=False)
    async def practice(interaction: discord.Interaction, scenario: str | None = None) -> None:
        await handlers.practice(interaction, scenario)

    @practice.autocomplete("scenario")
    async def practice_scenarios(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return handlers.scenario_choices(current)

    @tree.command(name="progress", description="Your scores per behavior and how they moved (only you see it)")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.allowed_installs(guilds=True, users=False)
    async def progress(interaction: discord.Interaction) -> None:
        await handlers.progress(interaction)

    @tree.command(name="snooze", description="Pause practice pushes until a date (leave empty to resume)")
    @app_commands.describe(until="The date pushes resume, as YYYY-MM-DD")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.allowed_installs(guilds=True, users=False)
    async def snooze(interaction: discord.Interaction, until: str | None = None) -> None:
        await handlers.snooze(interaction, until)

    @tree.command(name="cadence", description="Enablement: see or set how often a team practises")
    @app_commands.describe(
        team="The team's name", sessions_per_week="Practice pushes per rep per week (1-5)",
        weekdays="Days pushes may land on, e.g. mon,wed,fri", window="Local working hours, e.g. 09:00-17:00",
        scenarios="Scenario ids to rotate, comma-separated (empty: all)",
    )
    @app_commands.guild_only()
    async def cadence(interaction: discord.Interaction, team: str,
                      sessions_per_week: app_commands.Range[int, 1, 5] | None = None, weekdays: str | None = None,
                      window: str | None = None, scenarios: str | None = None) -> None:
        given = {"sessions_per_week": sessions_per_week, "weekdays": weekdays, "window": window,
                 "scenario_ids": scenarios}
        await handlers.cadence(interaction, team, {k: v for k, v in given.items() if v is not None})

    @tree.error
    async def on_command_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        log.error("command /%s failed", getattr(interaction.command, "name", "?"), exc_info=error)
        await _say(interaction, "Sorry, something went wrong on my side. Nothing was changed — please try again.")


async def _defer(interaction: discord.Interaction) -> bool:
    """Acknowledge within Discord's 3 seconds. False when it was already acknowledged (a replayed event)."""
    try:
        await interaction.response.defer(ephemeral=True, thinking=True)
        return True
    except (discord.InteractionResponded, discord.HTTPException) as exc:
        log.info("interaction %s not deferred (%s): already answered", interaction.id, exc)
        return False


async def _say(interaction: discord.Interaction, content: str | None = None, *,
               embed: discord.Embed | None = None) -> None:
    """An answer only the invoker sees."""
    kwargs: dict[str, Any] = {"ephemeral": True}
    if embed is not None:
        kwargs["embed"] = embed
    try:
        if interaction.response.is_done():
            await interaction.followup.send(content or discord.utils.MISSING, **kwargs)
        else:
            await interaction.response.send_message(content, **kwargs)
    except discord.HTTPException:
        log.exception("could not answer interaction %s", interaction.id)
