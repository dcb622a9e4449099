# The texts of the mails the jobs send, and the names of what a feed or a digest tells of
# (also shown on the public site's feeds and subscription pages).

sub-scope-agenda = L’Agenda numérique national
sub-scope-pillar = Pilier { $code } : { $title }
sub-scope-action-line = Ligne d’action { $code } : { $title }
sub-scope-kpi = Indicateur { $code } : { $title }
sub-scope-organisation = Organisation { $code } : { $title }
sub-scope-launches = Lancements : nouveaux services en ligne et briques partagées
sub-scope-decisions = Décisions des instances de gouvernance
sub-mail-confirm-subject = Confirmez : suivre { $scope }
sub-mail-confirm-text = Quelqu’un, sans doute vous, a demandé à recevoir par courriel les résumés de { $scope }. Pour confirmer, ouvrez ce lien :
sub-mail-confirm-ignore = Si vous n’avez rien demandé, ignorez ce message : rien ne sera envoyé, et la demande est effacée après { $hours } heures.
sub-mail-already-subject = Vous suivez déjà { $scope }
sub-mail-already-text = Quelqu’un, sans doute vous, a demandé à suivre { $scope } avec cette adresse, qui en reçoit déjà les résumés. Rien n’a changé.
sub-mail-digest-subject = { $scope } : { $n } changement(s)
sub-mail-digest-intro = Ce qui a changé depuis le dernier message, pour { $scope } :
sub-mail-digest-more = Seuls les { $n } derniers changements sont listés ; voyez-les tous sur { $link }
sub-mail-unsubscribe = Se désabonner (en un clic) :
sub-mail-manage = Consulter, télécharger ou effacer ce qui est conservé à votre sujet :
feed-entry-status = Statut de { $code } : { $before } → { $after }
feed-entry-report = Rapport d’avancement { $code } { $period }
feed-entry-milestone = Jalon atteint : { $code } { $title }
feed-entry-adopted = Adopté : { $code } { $title }
feed-entry-figure = Nouveau chiffre pour { $code } ({ $title }), { $period } : { $value }
feed-entry-launch = Désormais au niveau { $level } : { $title } ({ $code }), par { $org }
feed-entry-block-live = Brique partagée en service : { $title } ({ $code }), exploitée par { $org }
feed-entry-decision = Décision de { $body } : { $title } ({ $code })
feed-entry-decision-acting = Décision de { $body } : { $title } ({ $code }) ; { $org } doit agir d’ici le { $due }
feed-entry-decision-done = Réalisé : { $title } ({ $code }), par { $org }

take-part-mail-subject = Votre lien pour participer à la consultation
take-part-mail-text = Quelqu’un, sans doute vous, a demandé à participer avec cette adresse à une consultation publique de l’Agenda numérique national. Ouvrez ce lien pour vous connecter et envoyer votre contribution (il fonctionne une fois, pendant { $minutes } minutes) :
take-part-mail-ignore = Si vous n’avez rien demandé, ignorez ce message : rien n’est publié et personne ne peut participer avec votre adresse.
take-part-response-subject = L’autorité a répondu à votre contribution { $code }
take-part-response-text = L’autorité a publié sa réponse à votre contribution { $code } à la consultation publique :
