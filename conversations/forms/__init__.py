"""The form engine: a dialogue as a list of questions (data), asked one per message.

`questions` declares what a form is; `order` says which question comes next, how far along
the user is, and what a change asks again (plain functions over the list); `reading` turns a
typed answer into a value; `engine` asks, records through the form's store, shows the review
and lets one answer be changed. A feature's special cases are its `Hooks`, in its own folder.
"""
