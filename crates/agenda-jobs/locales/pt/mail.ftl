# The texts of the mails the jobs send, and the names of what a feed or a digest tells of
# (also shown on the public site's feeds and subscription pages).

sub-scope-agenda = A Agenda Digital Nacional
sub-scope-pillar = Pilar { $code }: { $title }
sub-scope-action-line = Linha de ação { $code }: { $title }
sub-scope-kpi = Indicador { $code }: { $title }
sub-scope-organisation = Organização { $code }: { $title }
sub-scope-launches = Lançamentos: novos serviços em linha e blocos de construção partilhados
sub-scope-decisions = Decisões dos órgãos de governação
sub-mail-confirm-subject = Confirmar: seguir { $scope }
sub-mail-confirm-text = Alguém, provavelmente o próprio, pediu para receber por correio eletrónico os resumos de { $scope }. Para confirmar, abra esta ligação:
sub-mail-confirm-ignore = Se não fez este pedido, ignore esta mensagem: nada será enviado e o pedido é eliminado ao fim de { $hours } horas.
sub-mail-already-subject = Já segue { $scope }
sub-mail-already-text = Alguém, provavelmente o próprio, pediu para seguir { $scope } com este endereço, que já recebe os respetivos resumos. Nada foi alterado.
sub-mail-digest-subject = { $scope }: { $n } alteração(ões)
sub-mail-digest-intro = O que mudou desde a última mensagem, para { $scope }:
sub-mail-digest-more = Só são listadas as { $n } alterações mais recentes; consulte-as todas em { $link }
sub-mail-unsubscribe = Cancelar a subscrição (um clique):
sub-mail-manage = Consultar, descarregar ou eliminar os dados conservados a seu respeito:
feed-entry-status = Estado de { $code }: { $before } → { $after }
feed-entry-report = Relatório de progresso { $code } { $period }
feed-entry-milestone = Marco alcançado: { $code } { $title }
feed-entry-adopted = Adotado: { $code } { $title }
feed-entry-figure = Novo valor para { $code } ({ $title }), { $period }: { $value }
feed-entry-launch = Agora no nível { $level }: { $title } ({ $code }), por { $org }
feed-entry-block-live = Bloco de construção partilhado em funcionamento: { $title } ({ $code }), gerido por { $org }
feed-entry-decision = Decidido por { $body }: { $title } ({ $code })
feed-entry-decision-acting = Decidido por { $body }: { $title } ({ $code }); { $org } deve agir até { $due }
feed-entry-decision-done = Concluído: { $title } ({ $code }), por { $org }

take-part-mail-subject = A sua ligação para participar na consulta
take-part-mail-text = Alguém, provavelmente o próprio, pediu para participar numa consulta pública da Agenda Digital Nacional com este endereço. Abra esta ligação para iniciar sessão e enviar o seu contributo (funciona uma única vez, durante { $minutes } minutos):
take-part-mail-ignore = Se não fez este pedido, ignore esta mensagem: nada é publicado e ninguém pode usar o seu endereço para participar.
take-part-response-subject = A autoridade respondeu ao seu contributo { $code }
take-part-response-text = A autoridade publicou a sua resposta ao seu contributo { $code } para a consulta pública:
