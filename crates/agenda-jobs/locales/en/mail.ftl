# The texts of the mails the jobs send, and the names of what a feed or a digest tells of
# (also shown on the public site's feeds and subscription pages).

sub-scope-agenda = The National Digital Agenda
sub-scope-pillar = Pillar { $code }: { $title }
sub-scope-action-line = Action line { $code }: { $title }
sub-scope-kpi = Indicator { $code }: { $title }
sub-scope-organisation = Organisation { $code }: { $title }
sub-scope-launches = Launches: new online services and shared building blocks
sub-scope-decisions = Decisions of the governance bodies
sub-mail-confirm-subject = Confirm: follow { $scope }
sub-mail-confirm-text = Someone, probably you, asked to receive by e-mail the digests of { $scope }. To confirm, open this link:
sub-mail-confirm-ignore = If you did not ask for it, ignore this message: nothing will be sent, and the request is deleted after { $hours } hours.
sub-mail-already-subject = You already follow { $scope }
sub-mail-already-text = Someone, probably you, asked to follow { $scope } with this address, which already receives its digests. Nothing has changed.
sub-mail-digest-subject = { $scope }: { $n } change(s)
sub-mail-digest-intro = What changed since the last message, for { $scope }:
sub-mail-digest-more = Only the latest { $n } changes are listed; see them all at { $link }
sub-mail-unsubscribe = Unsubscribe (one click):
sub-mail-manage = See, download or delete what is held about you:
feed-entry-status = Status of { $code }: { $before } → { $after }
feed-entry-report = Progress report { $code } { $period }
feed-entry-milestone = Milestone reached: { $code } { $title }
feed-entry-adopted = Adopted: { $code } { $title }
feed-entry-figure = New figure for { $code } ({ $title }), { $period }: { $value }
feed-entry-launch = Now at level { $level }: { $title } ({ $code }), by { $org }
feed-entry-block-live = Shared building block live: { $title } ({ $code }), run by { $org }
feed-entry-decision = Decided by { $body }: { $title } ({ $code })
feed-entry-decision-acting = Decided by { $body }: { $title } ({ $code }); { $org } to act by { $due }
feed-entry-decision-done = Done: { $title } ({ $code }), by { $org }

take-part-mail-subject = Your link to take part in the consultation
take-part-mail-text = Someone, probably you, asked to take part in a public consultation of the National Digital Agenda with this address. Open this link to sign in and send your contribution (it works once, for { $minutes } minutes):
take-part-mail-ignore = If you did not ask for it, ignore this message: nothing is published and no one can use your address to take part.
take-part-response-subject = The authority responded to your contribution { $code }
take-part-response-text = The authority published its response to your contribution { $code } to the public consultation:
